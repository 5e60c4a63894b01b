"""The errors the API layer raises; the HTTP layer turns each into GitLab's JSON error body."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the HTTP layer turns into a GitLab-style JSON response."""

    status = 400

    def __init__(self, message: Any, status: int | None = None, key: str = "message") -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        if status is not None:
            self.status = status

    def payload(self) -> dict[str, Any]:
        return {self.key: self.message}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message: str = "401 Unauthorized") -> None:
        super().__init__(message)


class Forbidden(ApiError):
    status = 403

    def __init__(self, message: str = "403 Forbidden") -> None:
        super().__init__(message)


class NotFound(ApiError):
    status = 404

    def __init__(self, what: str = "") -> None:
        super().__init__(f"404 {what} Not Found" if what else "404 Not found")


class Conflict(ApiError):
    status = 409

