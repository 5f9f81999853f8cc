from rest_framework.routers import DefaultRouter

from leads.api import InquiryViewSet

router = DefaultRouter()
router.register("inquiries", InquiryViewSet, basename="api-inquiry")

urlpatterns = router.urls
