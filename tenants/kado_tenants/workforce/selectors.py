from kado_tenants.workforce.models import Skill, Worker


def worker_list(*, status: str | None = None, skill_codes=None, search: str = ""):
    workers = Worker.objects.prefetch_related("skills")
    if status:
        workers = workers.filter(status=status)
    if skill_codes:
        for code in skill_codes:
            workers = workers.filter(skills__code=code)
    if search:
        workers = workers.filter(name__icontains=search) | workers.filter(
            name_kana__icontains=search
        )
    return workers.order_by("name_kana", "id")


def skill_list():
    return Skill.objects.order_by("code")
