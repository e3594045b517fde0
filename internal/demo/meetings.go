package demo

import "context"

// buildMeetings builds a year of dedicated-study meetings, one unit missing a quarter, proving the duty tasks they prove.
func buildMeetings(ctx context.Context, b *builder) error { return nil }
