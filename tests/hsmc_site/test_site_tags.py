import json
import re

from django.template import Context, Template


def test_json_ld_cannot_be_broken_out_of_by_user_text():
    hostile = 'Evil </script><script>alert("x")</script> & <!-- co'
    html = Template("{% load site_tags %}{% json_ld data %}").render(Context({"data": {"name": hostile}}))
    assert html.count("</script>") == 1
    body = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', html, re.S).group(1)
    assert "<" not in body and ">" not in body
    assert json.loads(body) == {"name": hostile}
