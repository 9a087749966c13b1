def preview(request) -> dict:
    """`is_preview` for the base template: set on a page rendered as the preview of unpublished changes."""
    return {"is_preview": getattr(request, "publishing_preview", False)}
