/*
 * The bridge back-end, -netdev bridge: a tap whose fd qemu-bridge-helper
 * supplied.  All the work is the tap's helper opener (net/tap.c, which runs
 * the helper through net/helper-runner.c); what is ours is the defaults
 * (the configured helper, br0) and the `info network` text.
 */

#include "net/tap.h"

#include "net/clients.h"

bool net_init_bridge(const Netdev *netdev, const char *name,
                     NetClientState *peer, NetInitJob *job, Error **errp)
{
    const NetdevBridgeOptions *opts = &netdev->u.bridge;
    const char *helper = opts->helper ? opts->helper : net_default_bridge_helper();
    const char *br = opts->br ? opts->br : "br0";
    g_autofree char *info = g_strdup_printf("helper=%s,br=%s", helper, br);
    TapFromHelper how = {
        .helper = helper, .br = br, .model = "bridge", .info = info,
    };

    return net_tap_init_from_helper(&how, name, peer, job, errp);
}
