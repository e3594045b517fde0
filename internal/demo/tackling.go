package demo

import "context"

// buildTackling builds the 44 problems split into 89 measures, and the year's 五个反思.
func buildTackling(ctx context.Context, b *builder) error { return nil }
