"""The public site reuses the asset fixtures (households with planted personal data, a project, assets)."""

from tests.assets.conftest import assets, households, project  # noqa: F401
