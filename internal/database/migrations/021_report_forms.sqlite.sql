-- A department's own blank form (空白报表) for a report template: the xlsx
-- the department hands out, kept in the database like the photos of events
-- (one backup holds everything, and servers sharing one PostgreSQL need no
-- shared disk). An export fills the computed values into a copy of it at
-- each item's cell, keeping the department's formatting. At most 5 MB
-- (internal/reports.MaxFormBytes); one per template.
CREATE TABLE report_forms (
    template_id BIGINT PRIMARY KEY REFERENCES report_templates (id),
    name TEXT NOT NULL,                 -- the file name as uploaded
    size INTEGER NOT NULL,
    sheets TEXT NOT NULL DEFAULT '',    -- the workbook's sheet names, one a line: checked without opening data
    data BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL DEFAULT ''
);
