"""Observability: structured logs, Prometheus metrics, Sentry errors and PostHog analytics."""
