package chatadmin

// MessagesService calls the Messages API.
type MessagesService struct{ service }
