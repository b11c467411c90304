"""JSON API v1: personal access tokens, the resources under /api/v1, and their OpenAPI document."""
