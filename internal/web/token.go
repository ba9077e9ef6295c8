package web

import (
	"context"

	"shequ/internal/register"
)

// TokenRequest is the caller an API token names, for the API and Open311:
// the token's user, seen through the one grant the token is limited to when
// it is. It is accounts.ErrBadToken for a token that names no live one.
func (k *Kit) TokenRequest(ctx context.Context, secret, source string) (*Request, error) {
	u, grant, err := k.Accounts.UserForToken(ctx, secret)
	if err != nil {
		return nil, err
	}
	v, err := k.Access.Viewer(ctx, u.ID, u.Name)
	if err != nil {
		return nil, err
	}
	if grant != 0 {
		v = v.Only(grant)
	}
	return &Request{User: u, Grant: grant, Viewer: v,
		Actor: register.Actor{UserID: u.ID, Name: u.Name, Source: source}}, nil
}
