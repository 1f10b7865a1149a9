// The disparity page is drawn on the server (inline SVG charts beside their tables): nothing to
// draw here, only the signal that the page is ready, as every other page gives.
document.body.dataset.ready = "1";
