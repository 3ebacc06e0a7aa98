package chatadmin

// RolesService calls the Roles API.
type RolesService struct{ service }
