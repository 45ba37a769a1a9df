from core.tests.matrix import listing, scoped

ROUTES = {
    "units:detail": scoped(
        lambda w: f"/units/{w.commune_b.code}/", secret=lambda w: w.commune_b.name
    ),
    "units:add_child": scoped(
        lambda w: f"/units/{w.commune_b.code}/add/",
        method="POST",
        write=True,
        own_url=lambda w: f"/units/{w.commune_a.code}/add/",
        min_role="administrator",
        data=lambda w: {"code": "NEW-1", "name": "Tổ mới", "kind": "agency"},
    ),
    "GET /api/units": listing(
        lambda w: f"/api/units?parent={w.province.code}", secret=lambda w: w.commune_b.name
    ),
    "GET /api/units/{code}": scoped(
        lambda w: f"/api/units/{w.commune_b.code}", secret=lambda w: w.commune_b.name
    ),
    "POST /api/units/{code}/children": scoped(
        lambda w: f"/api/units/{w.commune_b.code}/children",
        method="POST",
        write=True,
        own_url=lambda w: f"/api/units/{w.commune_a.code}/children",
        min_role="administrator",
        data=lambda w: {"code": "NEW-2", "name": "Tổ mới", "kind": "agency"},
    ),
}
