"""Open API serializers for attribution: bindings and their append-only history."""

from attribution.models import Binding, BindingEvent
from shops.api_generic import model_serializer

BindingSerializer = model_serializer(Binding)
BindingEventSerializer = model_serializer(BindingEvent)
