"""Open API serializers for attribution: bindings and their history, rebate lines and statements."""

from attribution.models import Binding, BindingEvent
from attribution.models_rebates import RebateLedgerLine, RebateStatement
from shops.api_generic import model_serializer

BindingSerializer = model_serializer(Binding)
BindingEventSerializer = model_serializer(BindingEvent)

RebateLedgerLineSerializer = model_serializer(RebateLedgerLine)
RebateStatementSerializer = model_serializer(RebateStatement, exclude=("paid_by",))
