from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from leads import selectors, services
from leads.forms import ImportForm, NoteForm, StatusForm
from leads.importer import AUTO, UnreadableFile, detect_preset, read_table
from leads.models import Company, CompanyStatus, ImportBatch
from leads.roles import can_work_leads, is_manager


def _require_role(user) -> None:
    if not can_work_leads(user):
        raise PermissionDenied(_("Your account has no Leadqual role yet; ask an admin."))


class InboxView(LoginRequiredMixin, ListView):
    template_name = "leads/inbox.html"
    paginate_by = 50
    context_object_name = "companies"

    def get_queryset(self):
        _require_role(self.request.user)
        companies = selectors.company_list(user=self.request.user)
        query = self.request.GET.get("q", "").strip()
        if query:
            companies = companies.filter(
                Q(name__icontains=query) | Q(inquiries__buyer_name__icontains=query)
                | Q(inquiries__email__icontains=query) | Q(inquiries__message__icontains=query)
            ).distinct()
        scope = self.request.GET.get("owner", "")
        if scope == "me":
            companies = companies.filter(owner=self.request.user)
        elif scope == "pool":
            companies = companies.filter(owner__isnull=True)
        status = self.request.GET.get("status", "")
        if status in CompanyStatus.values:
            companies = companies.filter(status=status)
        return companies

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            statuses=CompanyStatus.choices,
            query=params.urlencode(),
            filters={key: self.request.GET.get(key, "") for key in ("q", "owner", "status")},
        )
        return context


def _visible_company(request, pk: int) -> Company:
    _require_role(request.user)
    try:
        return selectors.company_detail(user=request.user, pk=pk)
    except Company.DoesNotExist as exc:
        raise Http404(_("No such company, or it belongs to another rep.")) from exc


@login_required
def company_detail(request, pk: int):
    company = _visible_company(request, pk)
    return render(
        request,
        "leads/company_detail.html",
        {
            "company": company,
            "note_form": NoteForm(),
            "status_form": StatusForm(initial={"status": company.status}),
            "can_take": company.owner_id is None,
            "merge_candidates": selectors.company_merge_candidates(user=request.user,
                                                                   company=company),
            "can_release": company.owner_id == request.user.pk or is_manager(request.user),
        },
    )


@login_required
@require_POST
def company_note(request, pk: int):
    company = _visible_company(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.activity_note_add(company=company, body=form.cleaned_data["body"],
                                   user=request.user)
    else:
        messages.error(request, _("The note is empty or too long."))
    return redirect(company)


@login_required
@require_POST
def company_status(request, pk: int):
    company = _visible_company(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.company_set_status(company=company, status=form.cleaned_data["status"],
                                    note=form.cleaned_data["note"], user=request.user)
    return redirect(company)


@login_required
@require_POST
def company_claim(request, pk: int):
    company = _visible_company(request, pk)
    if company.owner_id is not None and not is_manager(request.user):
        messages.error(request, _("This company already has an owner."))
    else:
        services.company_assign(company=company, owner=request.user, user=request.user)
        messages.success(request, _("%(name)s is now yours.") % {"name": company.name})
    return redirect(company)


@login_required
@require_POST
def company_release(request, pk: int):
    company = _visible_company(request, pk)
    if company.owner_id != request.user.pk and not is_manager(request.user):
        raise PermissionDenied
    services.company_assign(company=company, owner=None, user=request.user)
    messages.success(request, _("%(name)s is back in the public pool.") % {"name": company.name})
    return redirect(company)


@login_required
@require_POST
def company_merge(request, pk: int):
    """Fold another visible company (a duplicate of this buyer) into this one."""
    company = _visible_company(request, pk)
    other_id = request.POST.get("other", "").strip().lstrip("#")
    other = (
        selectors.companies_visible_to(request.user).exclude(pk=company.pk)
        .filter(pk=int(other_id)).first() if other_id.isdigit() else None
    )
    if other is None:
        messages.error(request, _("Choose a company number you can see, other than this one."))
    else:
        services.company_merge(target=company, sources=[other], user=request.user)
        messages.success(request, _("Merged %(other)s into %(name)s.")
                         % {"other": other.name, "name": company.name})
    return redirect(company)


@login_required
@require_POST
def company_split(request, pk: int):
    """Move the ticked inquiries to a company of their own."""
    company = _visible_company(request, pk)
    ids = [int(v) for v in request.POST.getlist("inquiry") if v.isdigit()]
    try:
        new = services.company_split(company=company, inquiry_ids=ids, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(company)
    messages.success(request, _("Split off into %(name)s.") % {"name": new.name})
    return redirect(new)


@login_required
def import_upload(request):
    _require_role(request.user)
    if not request.user.has_perm("leads.add_inquiry"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), filename=upload.name,
                               max_rows=services.import_max_rows())
        except UnreadableFile as exc:
            form.add_error("file", _("This file cannot be read: %(reason)s") % {"reason": exc})
        else:
            preset = form.cleaned_data["preset"]
            if preset == AUTO:
                preset = detect_preset(table.headers)
            batch = services.inquiries_import(
                table=table, preset=preset, source=ImportBatch.Source.UPLOAD,
                filename=upload.name, user=request.user,
            )
            return redirect("leads:import-result", pk=batch.pk)
    return render(request, "leads/import_form.html", {"form": form})


@login_required
def import_result(request, pk: int):
    _require_role(request.user)
    batches = ImportBatch.objects.all()
    if not is_manager(request.user):
        batches = batches.filter(created_by=request.user)
    batch = get_object_or_404(batches, pk=pk)
    inquiries = selectors.inquiries_visible_to(request.user).filter(batch=batch).select_related(
        "company", "verification"
    ).order_by("id")
    page = Paginator(inquiries, 100).get_page(request.GET.get("page"))
    return render(request, "leads/import_result.html", {"batch": batch, "page": page})
