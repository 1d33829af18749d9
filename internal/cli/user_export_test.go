package cli

import "octavo/internal/auth"

// Tests hash passwords with cheap argon2 parameters.
func init() { hashParams = auth.TestParams }
