/** Wire formats: link, network and transport headers, TCP and MPTCP options, checksums. */
package org.mptcplab.stack.wire;
