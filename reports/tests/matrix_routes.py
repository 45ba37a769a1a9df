from core.tests.matrix import listing, scoped

Q = "period=2026-H1"

ROUTES = {
    "reports:home": listing(lambda w: "/reports/", secret=lambda w: w.commune_b.name),
    "reports:report": scoped(
        lambda w: f"/reports/{w.commune_b.code}/?{Q}", secret=lambda w: w.commune_b.name
    ),
    "reports:narrative": scoped(
        lambda w: f"/reports/{w.commune_b.code}/narrative/?{Q}",
        method="POST",
        write=True,
        own_url=lambda w: f"/reports/{w.commune_a.code}/narrative/?{Q}",
        min_role="editor",
        data=lambda w: {"limitations": "x"},
    ),
    "reports:download": scoped(
        lambda w: f"/reports/{w.commune_b.code}/download.xlsx?{Q}",
        secret=lambda w: w.commune_b.name,
    ),
    "reports:channels": scoped(
        lambda w: f"/reports/{w.commune_b.code}/channels/?{Q}", secret=lambda w: w.commune_b.name
    ),
    "reports:posts": scoped(
        lambda w: f"/reports/{w.commune_b.code}/posts/?{Q}", secret=lambda w: w.commune_b.name
    ),
    "reports:posts_csv": scoped(
        lambda w: f"/reports/{w.commune_b.code}/posts.csv?{Q}", secret=lambda w: w.commune_b.name
    ),
    "GET /api/reports/summary": scoped(
        lambda w: f"/api/reports/summary?unit={w.commune_b.code}&{Q}",
        secret=lambda w: w.commune_b.name,
    ),
    "GET /api/reports/summary.csv": scoped(
        lambda w: f"/api/reports/summary.csv?unit={w.commune_b.code}&{Q}",
        secret=lambda w: w.commune_b.name,
    ),
}
