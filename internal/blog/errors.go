package blog

import (
	"errors"
	"fmt"
)

// Code classifies an error for whoever must answer it: the web layer maps
// each code to an HTTP status in one place (web.statusFor).
type Code string

// The error codes.
const (
	ENOTFOUND     Code = "not_found"
	EINVALID      Code = "invalid"
	ECONFLICT     Code = "conflict"
	EUNAUTHORIZED Code = "unauthorized"
	EFORBIDDEN    Code = "forbidden"
	EUNAVAILABLE  Code = "unavailable"
	EINTERNAL     Code = "internal"
	// ETOOLARGE refuses what is over a size limit (an upload); EUNSUPPORTED
	// a kind of file that is not accepted.
	ETOOLARGE    Code = "too_large"
	EUNSUPPORTED Code = "unsupported"
)

// Error is a domain error: a code, a message safe to show the user, and
// (optionally) the underlying cause, which is logged but never shown.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Error renders the message and the cause for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a domain error with a formatted, user-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes a domain error that keeps cause for the logs.
func Wrap(code Code, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// ErrorCode returns the code of err, EINTERNAL for errors without one.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; errors without a code
// get a generic message so internal text never reaches a visitor.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// IsNotFound reports whether err has the code ENOTFOUND.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
