"""REST API: ``/api/inquiries/`` to create, list and retrieve inquiries.

A website form or another system feeds Leadqual with ``POST /api/inquiries/``
(token auth: ``Authorization: Token <key>``). Every error has one shape:
``{"error": {"code": ..., "message": ..., "fields": {...}}}``.
"""

from datetime import UTC

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from leads import selectors, services
from leads.intake import RowRejected, clean_inquiry
from leads.models import Inquiry, Platform
from leads.roles import can_work_leads


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # Django's own answer would be an HTML page
        exc = BodyTooLarge(
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:g} "
            "MB, the most the API accepts."
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    fields = {}
    if isinstance(data, dict) and "detail" not in data:
        fields = {key: [str(m) for m in (v if isinstance(v, list) else [v])]
                  for key, v in data.items()}
        message = "The request has invalid fields."
    elif isinstance(data, dict):
        message = str(data["detail"])
    else:
        message = "; ".join(str(item) for item in data)
    code = getattr(getattr(exc, "default_code", None), "__str__", lambda: "error")()
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


class InquiryInputSerializer(serializers.Serializer):
    """Same columns as the generic import; only a way to reach the buyer is required."""

    received_at = serializers.CharField(required=False, allow_blank=True)
    platform = serializers.CharField(required=False, allow_blank=True, max_length=30)
    platform_ref = serializers.CharField(required=False, allow_blank=True, max_length=100)
    buyer_name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    company = serializers.CharField(required=False, allow_blank=True, max_length=255)
    country = serializers.CharField(required=False, allow_blank=True, max_length=100)
    email = serializers.CharField(required=False, allow_blank=True, max_length=320)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=50)
    whatsapp = serializers.CharField(required=False, allow_blank=True, max_length=50)
    website = serializers.CharField(required=False, allow_blank=True, max_length=500)
    product = serializers.CharField(required=False, allow_blank=True, max_length=500)
    quantity = serializers.CharField(required=False, allow_blank=True, max_length=100)
    message = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class InquirySerializer(serializers.ModelSerializer):
    company_id = serializers.IntegerField(source="company.pk", read_only=True)
    company = serializers.CharField(source="company.name", read_only=True)
    owner = serializers.CharField(source="company.owner.username", default=None, read_only=True)
    status = serializers.CharField(source="company.status", read_only=True)
    verification = serializers.SerializerMethodField()

    class Meta:
        model = Inquiry
        fields = [
            "id", "platform", "platform_ref", "received_at", "buyer_name", "company_name",
            "country", "email", "phone", "whatsapp", "website", "product", "quantity", "message",
            "company_id", "company", "owner", "status", "verification", "created_at",
        ]
        read_only_fields = fields

    def get_verification(self, inquiry: Inquiry) -> dict | None:
        verification = getattr(inquiry, "verification", None)
        if verification is None:
            return None
        from leads.exporting import verification_fields

        return verification_fields(verification)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO datetime the database can compare in UTC (0001-01-01 in UTC+8 is year 0)."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None:
            try:
                moment.astimezone(UTC)
            except OverflowError as exc:
                raise ValidationError("The date is out of range.", code="invalid") from exc
        return moment


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class InquiryFilter(filters.FilterSet):
    received_after = UtcIsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = UtcIsoDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = Inquiry
        fields = ["platform", "country", "email", "company"]


class CanUseInquiries(permissions.BasePermission):
    """Reading needs a role (rep, manager, admin), like the pages; creating needs the
    ``leads.add_inquiry`` permission (a website form's account may have only that)."""

    def has_permission(self, request, view) -> bool:
        if request.method == "POST":
            return request.user.has_perm("leads.add_inquiry")
        return can_work_leads(request.user)


class InquiryViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticated, CanUseInquiries]
    serializer_class = InquirySerializer
    filterset_class = InquiryFilter

    def get_queryset(self) -> QuerySet[Inquiry]:
        return selectors.inquiry_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        incoming = InquiryInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            data = clean_inquiry(
                incoming.validated_data, default_platform=Platform.API,
                tz=services.team_zone(),
            )
        except RowRejected as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        inquiry, created = services.inquiry_ingest(data=data)
        visible = self.get_queryset().filter(pk=inquiry.pk).first()
        # A duplicate of an inquiry in another rep's company reveals only its id.
        body = InquirySerializer(visible).data if visible else {"id": inquiry.pk}
        body = {**body, "duplicate": not created}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
