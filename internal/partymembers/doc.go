// Package partymembers keeps 在职党员双报到: in-service party members
// registering (报到) at the community where they live, as persons of its
// register, with their employer (单位) and its party organisation; their
// re-report every six months, with reminders and the overdue flagged;
// the community's service posts they claim (岗位认领) and the service
// recorded on them; their pairings with households (结对), whose visits
// are recorded through the visits capability so that the households'
// schedules count them; residents' small wishes (微心愿) they claim and
// fulfil, tracked through states with deadlines and a timeline; and what
// the community sends each employer: a quarterly service card and a
// yearly evaluation, as PDF and xlsx.
package partymembers
