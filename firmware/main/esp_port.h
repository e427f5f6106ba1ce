/* ESP-IDF port: radio and Wi-Fi callbacks post events to one queue; one task drives the core node. */
#ifndef ESP_PORT_H
#define ESP_PORT_H

#include "epv_node.h"
#include "esp_err.h"

/** Registers ESP-NOW / Wi-Fi / IP callbacks and timers, then starts the task that owns the node. */
esp_err_t esp_port_start(const epv_config_t *cfg);

#endif
