// Package access decides who may see and change what. A user holds grants;
// each grant is a role bound to a place in the org tree (a grid, a few
// buildings, a community, the communities of a service station, a street or
// district subtree). A role is data: the permissions it carries and, for each
// field of the register, whether it is hidden, shown masked, shown in full or
// writable. A Viewer is one user's grants resolved for a request; Scope is
// the part of a Viewer that carries one permission, which every list,
// search, count, export and feed filters by, and which decides the fields of
// each row it returns.
//
// Routes are registered with a Rule (see Routes) so that one check — the
// permission, and the scope of the object named in the path — runs before
// every handler, and a test can walk every route.
package access
