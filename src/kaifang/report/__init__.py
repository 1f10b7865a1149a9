"""Reports of an assessment: self-contained HTML, PDF and the formatted workbook."""
