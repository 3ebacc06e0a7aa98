package chatadmin

// ReactionsService calls the Reactions API.
type ReactionsService struct{ service }
