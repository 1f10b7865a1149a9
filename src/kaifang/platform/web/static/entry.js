// Instant validation of the entry form: after each change the entered values are sent to the
// validate endpoint (nothing is saved) and its findings are shown beside the fields.
const form = document.getElementById("entry-form");
if (form) {
  const url = form.dataset.validateUrl;
  const csrf = form.dataset.csrf;
  let timer = null;

  const cells = () => {
    const values = {};
    for (const input of form.querySelectorAll("input.cell")) {
      values[input.name.slice(2)] = input.value;
    }
    return values;
  };

  const show = (findings) => {
    for (const row of form.querySelectorAll("tr[data-indicator]")) {
      row.classList.remove("has-hard", "has-soft");
      const cell = row.querySelector("td.findings");
      if (cell) cell.replaceChildren();
    }
    for (const finding of findings) {
      const row = form.querySelector(`tr[data-indicator="${CSS.escape(finding.indicator)}"]`);
      if (!row) continue;
      row.classList.add(finding.severity === "hard" ? "has-hard" : "has-soft");
      const span = document.createElement("span");
      span.className = `finding finding-${finding.severity}`;
      span.textContent = finding.message; // text, never HTML
      row.querySelector("td.findings").append(span);
    }
  };

  const validate = async () => {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ values: cells() }),
        credentials: "same-origin",
      });
      if (response.ok) show((await response.json()).findings);
    } catch (error) {
      // the server answers again on the next change or on save
    }
  };

  form.addEventListener("input", (event) => {
    if (!event.target.classList.contains("cell")) return;
    clearTimeout(timer);
    timer = setTimeout(validate, 250);
  });
}
