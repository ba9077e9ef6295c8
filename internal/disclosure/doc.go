// Package disclosure keeps 居务公开: the catalogue of what a community
// must make public (item, content elements, basis, deadline rule,
// responsible role, channel), a shipped sample and each community's own
// rows; the publications the rows schedule per community, each with a
// due day computed from its rule; publishing them with a block computed
// from the register; the daily pass that schedules the periods ended and
// raises the overdue ones as 督办; and residents' questions about a
// publication, answered in public.
package disclosure
