from consultplatform.demo import load_demo
from consultplatform.plugins import registry


def test_home_lists_demo_consultation(app, client):
    with app.app_context():
        load_demo(registry())
    html = client.get("/").get_data(as_text=True)
    assert "Sociaal-Economische Agenda Noordoostpolder" in html
    assert '<html lang="nl">' in html


def test_admin_pages_render(app, admin_client):
    with app.app_context():
        load_demo(registry())
    for url in ["/admin/", "/admin/consultation/", "/admin/session/", "/admin/participant/",
                "/admin/theme/", "/admin/staffuser/", "/admin/plugins/", "/admin/auditlog/",
                "/admin/consultation/new/", "/admin/session/new/"]:
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:3000])
