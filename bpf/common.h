/* SPDX-License-Identifier: GPL-2.0-only */
/* Includes and small macros every BPF header of jalur uses. */
#ifndef JALUR_BPF_COMMON_H
#define JALUR_BPF_COMMON_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
/* not <linux/icmp.h>: it pulls in libc socket headers */
#define ICMP_ECHO 8
#include <linux/icmpv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "jalur/datapath.h"
#include "jalur/dhcp_guard.h"
#include "jalur/flow_hash.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

#endif
