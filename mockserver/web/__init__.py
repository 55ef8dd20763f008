"""The Connexion edge: create_app, thin handlers, the one error path, scenarios and Connexion tuning."""
