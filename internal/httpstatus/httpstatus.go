// Package httpstatus maps Octavo's domain error codes to HTTP statuses:
// the one place where that happens, for the public site (internal/web) and
// the admin (internal/admin) alike.
package httpstatus

import (
	"net/http"

	"octavo/internal/blog"
)

// FromCode returns the HTTP status of a domain error code.
func FromCode(code blog.Code) int {
	switch code {
	case blog.ENOTFOUND:
		return http.StatusNotFound
	case blog.EINVALID:
		return http.StatusBadRequest
	case blog.ECONFLICT:
		return http.StatusConflict
	case blog.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case blog.EFORBIDDEN:
		return http.StatusForbidden
	case blog.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case blog.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case blog.EUNSUPPORTED:
		return http.StatusUnsupportedMediaType
	default:
		return http.StatusInternalServerError
	}
}
