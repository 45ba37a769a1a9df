from core.tests.matrix import public

ROUTES = {
    "public:check": public(lambda w: "/p/kiem-tra/?q=facebook.com/ubndcoto"),
    "public:directory": public(lambda w: f"/p/kenh/?unit={w.province.code}"),
    "public:feed": public(lambda w: "/p/kenh/feed.atom"),
    "public:open_data": public(lambda w: "/p/du-lieu-mo/"),
    "public:open_data_csv": public(lambda w: "/p/du-lieu-mo/kenh-chinh-thuc.csv"),
    "public:open_data_json": public(lambda w: "/p/du-lieu-mo/kenh-chinh-thuc.json"),
}
