package access

// Permissions a role may carry. Like roles they are data (the permissions
// table names them in Chinese; role_permissions gives them to roles); these
// constants name the ones the register's code checks. Each capability's
// migration adds its own.
const (
	RegisterRead   = "register.read"   // see register rows in scope (fields by the role's field set)
	RegisterWrite  = "register.write"  // create and change register rows (the fields the role may edit)
	RegisterReveal = "register.reveal" // reveal a masked ID or phone number, audited
	RegisterExport = "register.export" // download register lists, audited with the row count
	AuditRead      = "audit.read"      // query the audit log
	AccountsManage = "accounts.manage" // users, grants, roles and API tokens of others
	OrgManage      = "org.manage"      // the org tree, levels, staff
)
