"""Webhook endpoints as their key holder registers and reads them (docs/webhooks.md)."""

from rest_framework import serializers

from factordb.models import Category, Dataset, Region, WebhookEndpoint


def _codes(model, what: str) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model.objects.all(), many=True, required=False,
        help_text=f"{what} codes to follow; empty or left out: all.")


class WebhookEndpointSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=2000, help_text=(
        "Where the signed POSTs go: an https:// address on the public internet that answers the "
        "registration's `ping` with a 2xx."))
    categories = _codes(Category, "Category (its descendants included)")
    regions = _codes(Region, "Region (its descendants included)")
    datasets = _codes(Dataset, "Dataset")
    active = serializers.SerializerMethodField(help_text="False once the endpoint is disabled.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "categories", "regions", "datasets", "active", "created_at", "disabled_at",
                  "disabled_reason"]
        read_only_fields = ["id", "created_at", "disabled_at", "disabled_reason"]

    def get_active(self, endpoint: WebhookEndpoint) -> bool:
        return endpoint.is_active


class RegisteredEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text=(
        "The signing secret, shown this once: keep it to verify `X-Factordb-Signature`."))

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
