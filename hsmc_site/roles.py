"""Staff roles: which apps' records each permission group may edit."""

CONTENT_EDITORS = "Content editors"
ENQUIRY_HANDLERS = "Enquiry handlers"

# Every catalogue record, but no users, groups or enquiries.
CONTENT_APPS = ("organisations", "topics", "faculty", "workstreams", "programmes", "research")

ENQUIRY_PERMISSIONS = (
    ("contacts", "view_enquiry"),
    ("contacts", "change_enquiry"),
)

# Content editors draft and submit changes; Publishers may also publish, approve, reject and schedule them
# (publishing.workflow), and take pages off the site.
PUBLISHERS = "Publishers"
WORKFLOW_PERMISSIONS = (("publishing", "view_pendingchange"),)
PUBLISH_PERMISSIONS = (("publishing", "publish"),)
