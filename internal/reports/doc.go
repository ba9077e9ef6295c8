// Package reports turns indicators into the forms departments ask
// communities for (报表): templates of 大类 > 小类 > 项 in a department's own
// layout, computed for any org unit and period from the register
// (internal/indicators), with values typed by hand only where the register
// cannot know them, the records behind each number (台账), validation
// warnings, sign-off by the community with the values confirmed, and
// exports as xlsx, PDF and csv.
//
// Permissions (data, see migration 020): reports.read reads reports and
// ledgers in the holder's part of the tree — all items with reports.all,
// else only the items the holder's departments require; reports.signoff
// confirms a community's report; reports.manual types manual values;
// reports.manage edits indicators, templates and rules.
package reports
