package chatadmin

// UsersService calls the Users API.
type UsersService struct{ service }
