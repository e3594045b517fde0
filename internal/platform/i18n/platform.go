package i18n

import "embed"

// The platform's own messages: errors, validation rules, layout, common words.
//
//go:embed messages/*.json
var platformMessages embed.FS

func init() { MustRegister(platformMessages, "messages") }
