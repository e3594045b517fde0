package demo

import "context"

// buildLetters builds the year's target responsibility letters with each town and department.
func buildLetters(ctx context.Context, b *builder) error { return nil }
