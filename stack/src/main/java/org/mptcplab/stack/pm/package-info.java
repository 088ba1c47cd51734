/**
 * Path managers: which subflows an MPTCP connection opens, and which addresses it announces
 * (RFC 8684 3.2, 3.4), as Linux net/mptcp/pm_netlink.c (in-kernel, full mesh), the out-of-tree
 * MPTCP's ndiffports, and pm_userspace.c (manual). The connection asks its
 * {@link org.mptcplab.stack.pm.PathManager} at each event and never decides itself; the path
 * manager sees the connection through {@link org.mptcplab.stack.pm.PmConnection}, which reads
 * and offers the few actions a path manager has (join, announce, retry later).
 */
package org.mptcplab.stack.pm;
