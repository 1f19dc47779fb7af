package dev.s3seal.web.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CarriedObjectSettingsTest {

    private static final String OWNER = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

    private static byte[] acl(String grants) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        + "<Owner><ID>" + OWNER + "</ID><DisplayName>alice</DisplayName></Owner>"
                        + "<AccessControlList>" + grants + "</AccessControlList></AccessControlPolicy>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String user(String id, String permission) {
        return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">"
                + "<ID>" + id + "</ID><DisplayName>x</DisplayName></Grantee><Permission>" + permission
                + "</Permission></Grant>";
    }

    private static String group(String uri, String permission) {
        return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">" + "<URI>"
                + uri + "</URI></Grantee><Permission>" + permission + "</Permission></Grant>";
    }

    @Test
    void shouldAddNoHeaderWhenAclIsOwnerFullControlOnly() {
        assertThat(CarriedObjectSettings.aclHeaders(acl(user(OWNER, "FULL_CONTROL"))))
                .isEmpty();
    }

    @Test
    void shouldSendCannedPublicReadWhenAclIsOwnerPlusAllUsersRead() {
        assertThat(CarriedObjectSettings.aclHeaders(acl(user(OWNER, "FULL_CONTROL")
                        + group("http://acs.amazonaws.com/groups/global/AllUsers", "READ"))))
                .isEqualTo(Map.of("x-amz-acl", List.of("public-read")));
    }

    @Test
    void shouldSendGrantHeadersWhenAclIsNotCanned() {
        String email = "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xsi:type=\"AmazonCustomerByEmail\"><EmailAddress>bob@example.com</EmailAddress></Grantee>"
                + "<Permission>READ_ACP</Permission></Grant>";
        Map<String, List<String>> headers = CarriedObjectSettings.aclHeaders(acl(user(OWNER, "FULL_CONTROL")
                + user("bob-id", "READ")
                + group("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ")
                + email
                + user("carol-id", "WRITE_ACP")));
        assertThat(headers)
                .containsOnly(
                        Map.entry("x-amz-grant-full-control", List.of("id=\"" + OWNER + "\"")),
                        Map.entry(
                                "x-amz-grant-read",
                                List.of(
                                        "id=\"bob-id\", uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"")),
                        Map.entry("x-amz-grant-read-acp", List.of("emailAddress=\"bob@example.com\"")),
                        Map.entry("x-amz-grant-write-acp", List.of("id=\"carol-id\"")));
    }

    @Test
    void shouldAddNoHeaderWhenAclIsMalformedOrHasDoctype() {
        assertThat(CarriedObjectSettings.aclHeaders("<AccessControlPolicy><Owner>".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        byte[] withEntity = ("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList>"
                        + group("&x;", "READ") + "</AccessControlList></AccessControlPolicy>")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(CarriedObjectSettings.aclHeaders(withEntity)).isEmpty();
    }

    @Test
    void shouldEncodeTagsAsFormPairsWhenTagSetIsGiven() {
        byte[] xml = ("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
                        + "<Tag><Key>team</Key><Value>data eng</Value></Tag><Tag><Key>a&amp;b</Key><Value>x=y</Value></Tag>"
                        + "</TagSet></Tagging>")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(CarriedObjectSettings.taggingHeaders(xml))
                .isEqualTo(Map.of("x-amz-tagging", List.of("team=data%20eng&a%26b=x%3Dy")));
    }

    @Test
    void shouldAddNoTaggingHeaderWhenTagSetIsEmpty() {
        assertThat(CarriedObjectSettings.taggingHeaders(
                        "<Tagging><TagSet/></Tagging>".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }
}
