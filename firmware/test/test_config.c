/* Config parsing (core helpers and the host's sdkconfig reader), link lines, event value encoding. */
#include "../core/epv_sdkconfig.h"
#include "../host/host_link.h"
#include "epv_test.h"

void test_config_parsing(void)
{
    uint8_t mac[6], key[32];
    CHECK_EQ(epv_parse_mac("24:0A:c4:00:00:01", 17, mac), EPV_OK);
    CHECK(memcmp(mac, MAC_R, 6) == 0);
    CHECK(epv_parse_mac("24:0a:c4:00:00", 14, mac) != EPV_OK);
    CHECK(epv_parse_mac("24-0a-c4-00-00-01", 17, mac) != EPV_OK);
    CHECK(epv_parse_mac("24:0a:c4:00:00:0g", 17, mac) != EPV_OK);
    const char *k = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff";
    CHECK_EQ(epv_parse_key_hex(k, 64, key), EPV_OK);
    CHECK(memcmp(key, TEST_KEY, 32) == 0);
    CHECK(epv_parse_key_hex(k, 63, key) != EPV_OK);
    epv_config_t c;
    epv_config_defaults(&c);
    const char *list = " 24:0a:c4:00:00:01, 24:0a:c4:00:00:02 ,";
    CHECK_EQ(epv_parse_allow_list(list, strlen(list), &c), EPV_OK);
    CHECK(c.allow_count == 2 && epv_config_allows(&c, MAC_I));
    CHECK(epv_parse_allow_list("nonsense", 8, &c) != EPV_OK);
    CHECK_EQ(epv_parse_allow_list("", 0, &c), EPV_OK);
    CHECK(c.allow_count == 0 && epv_config_allows(&c, MAC_I));
    CHECK(epv_config_set_ssid(&c, "123456789012345678901234567890123", 33) != EPV_OK);
    const char *why = NULL;
    epv_config_defaults(&c);
    CHECK(epv_config_validate(&c, &why) != EPV_OK && why); /* secure without key, responder without SSID */
    test_config(&c, EPV_ROLE_RESPONDER, EPV_MODE_SECURE);
    CHECK_EQ(epv_config_validate(&c, &why), EPV_OK);
    c.channel = 14;
    CHECK(epv_config_validate(&c, &why) != EPV_OK);
}

void test_host_config_file(void)
{
    const char *text = "# comment\n"
                       "CONFIG_ESPNOW_ROLE_INITIATOR=y\n"
                       "CONFIG_ESPNOW_MODE_ESPRESSIF_5_4=y\r\n"
                       "CONFIG_ESPNOW_WIFI_SSID=\"my \\\"net\\\" \\\\ x\"\n"
                       "CONFIG_ESPNOW_WIFI_PASSWORD=\"p\\x41ss\"\n"
                       "CONFIG_ESPNOW_CHANNEL=11\n"
                       "CONFIG_ESPNOW_SCAN_TIMEOUT_S=12\n"
                       "CONFIG_ESPNOW_ALLOWED_INITIATORS=\"24:0a:c4:00:00:02\"\n"
                       "# CONFIG_ESPNOW_ROLE_RESPONDER is not set\n"
                       "CONFIG_SOMETHING_ELSE=\"ignored\"\n";
    epv_config_t c;
    epv_config_defaults(&c);
    int line = 0;
    const char *why = NULL;
    CHECK_EQ(epv_sdkconfig_parse(text, strlen(text), &c, &line, &why), EPV_OK);
    CHECK(c.role == EPV_ROLE_INITIATOR && c.mode == EPV_MODE_ESPRESSIF_54 && c.channel == 11);
    CHECK(c.ssid_len == 12 && !memcmp(c.ssid, "my \"net\" \\ x", 12));
    CHECK(c.password_len == 4 && !memcmp(c.password, "pAss", 4));
    CHECK(c.scan_timeout_ms == 12000 && c.allow_count == 1);
    const char *bad[] = {"CONFIG_ESPNOW_CHANNEL=99\n", "CONFIG_ESPNOW_WIFI_SSID=unquoted\n",
                         "CONFIG_ESPNOW_PAIR_KEY=\"abc\"\n", "garbage line\n", "CONFIG_ESPNOW_WIFI_SSID=\"x\\\"\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK(epv_sdkconfig_parse(bad[i], strlen(bad[i]), &c, &line, &why) != EPV_OK && line == 1 && why);
    }
}

void test_host_link_lines(void)
{
    epv_config_t c;
    epv_env_t env;
    static recorder_t rec;
    static epv_node_t node;
    rec_init(&rec, &env);
    test_config(&c, EPV_ROLE_INITIATOR, EPV_MODE_SECURE);
    CHECK_EQ(epv_node_init(&node, &c, &env, NULL), EPV_OK);
    CHECK_EQ(host_link_dispatch("FUTURE_THING 1 2 3", &node), 1);
    CHECK_EQ(host_link_dispatch("RX 24:0a:c4:00:00:01 -40 6 23", &node), 0); /* too short: dropped by the node */
    CHECK_EQ(host_link_dispatch("RX 24:0a:c4:00:00:01 -40 6 2", &node), -1);  /* odd hex */
    CHECK_EQ(host_link_dispatch("RX 24:0a:c4:00:00:01 x 6 23", &node), -1);
    CHECK_EQ(host_link_dispatch("RX 24:0a:c4:00:00:01 -40 6", &node), -1);
    CHECK_EQ(host_link_dispatch("TXDONE ff:ff:ff:ff:ff:ff OK", &node), 0);
    CHECK_EQ(host_link_dispatch("TXDONE ff:ff:ff:ff:ff:ff MAYBE", &node), -1);
    CHECK_EQ(host_link_dispatch("WIFI_CONNECTED 02:00:00:00:0a:01 6", &node), 0);
    CHECK_EQ(host_link_dispatch("WIFI_DISCONNECTED 15", &node), 0);
    CHECK_EQ(host_link_dispatch("WIFI_DISCONNECTED", &node), -1);
    CHECK_EQ(host_link_dispatch("GOT_IP 192.168.4.2 255.255.255.0 192.168.4.1", &node), 0);
    CHECK_EQ(host_link_dispatch("GOT_IP 192.168.4 255.255.255.0 192.168.4.1", &node), -1);
    char big[EPV_FRAME_MAX * 2 + 64];
    int n = snprintf(big, sizeof(big), "RX 24:0a:c4:00:00:01 -40 6 ");
    memset(big + n, 'a', EPV_FRAME_MAX * 2 + 2);
    big[n + EPV_FRAME_MAX * 2 + 2] = 0;
    CHECK_EQ(host_link_dispatch(big, &node), -1); /* 251 bytes */
}

void test_pct_encoding(void)
{
    char out[64];
    const uint8_t v[] = {'a', ' ', '%', '=', 'b', 0x01, 0xff};
    CHECK_EQ(epv_pct_encode(out, sizeof(out), v, sizeof(v)), 17);
    CHECK(!strcmp(out, "a%20%25%3Db%01%FF"));
    CHECK_EQ(epv_pct_encode(out, 4, v, sizeof(v)), 1); /* never splits an escape */
    CHECK(!strcmp(out, "a"));
}
