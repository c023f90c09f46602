"""The deliverable mutations, one per module."""

from kado_graphql.deliverables.mutations.deliverable_upload_complete import (
    DeliverableUploadComplete,
)
from kado_graphql.deliverables.mutations.deliverable_upload_start import DeliverableUploadStart

__all__ = ["DeliverableUploadComplete", "DeliverableUploadStart"]
