package hazard

import (
	"context"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// Who hears about a hazard. Each function returns enabled users' ids.

func userIDs(ctx context.Context, q db.Querier, query string, args ...any) ([]db.ID, error) {
	return db.All(ctx, q, query, args, db.ScanID)
}

// reportRecipients hear of a new hazard: the town's assigners and, for a major hazard,
// the safety office (one query).
func reportRecipients(ctx context.Context, q db.Querier, townID db.ID, major bool) ([]db.ID, error) {
	return userIDs(ctx, q, `SELECT DISTINCT u.id FROM users u
		JOIN user_roles r ON r.user_id = u.id
		JOIN orgs o ON o.id = u.org_id
		WHERE u.disabled = FALSE AND ((r.role = 'town' AND (o.id = ? OR o.parent_id = ?)) OR (r.role = 'safety_office' AND ?))
		ORDER BY u.id`, townID, townID, major)
}

// safetyOffice are the users of the safety office role.
func safetyOffice(ctx context.Context, q db.Querier) ([]db.ID, error) {
	return userIDs(ctx, q, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'safety_office'
		WHERE u.disabled = FALSE ORDER BY u.id`)
}

// unitMembers are the supervising unit's town, department and safety-office users.
func unitMembers(ctx context.Context, q db.Querier, orgID db.ID) ([]db.ID, error) {
	return userIDs(ctx, q, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = ? AND r.role IN ('town', 'department', 'safety_office') AND u.disabled = FALSE ORDER BY u.id`, orgID)
}

// leadersInCharge are the leaders in charge of the industry (分管领导) and the hazard's
// listing leader, when it has one.
func leadersInCharge(ctx context.Context, q db.Querier, industry string, listingLeader *db.ID) ([]db.ID, error) {
	var leader any
	if listingLeader != nil {
		leader = *listingLeader
	}
	return userIDs(ctx, q, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'leader'
		WHERE u.disabled = FALSE AND u.person_id IS NOT NULL AND (
			EXISTS (SELECT 1 FROM in_charge ic WHERE ic.person_id = u.person_id AND ic.industry = ?)
			OR u.person_id = ?) ORDER BY u.id`, industry, leader)
}

// personAccounts are the enabled accounts linked to a person record (a listing leader).
func personAccounts(ctx context.Context, q db.Querier, person db.ID) ([]db.ID, error) {
	return userIDs(ctx, q, `SELECT u.id FROM users u WHERE u.person_id = ? AND u.disabled = FALSE ORDER BY u.id`, person)
}
