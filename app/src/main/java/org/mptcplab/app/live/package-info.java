/**
 * Live mode's device backend: our stack on real (or veth) Ethernet interfaces through libpcap.
 *
 * <pre>
 *  MptcpStack (Endpoint: IP datagrams per interface)
 *       |  handlePacket / pollTransmit / timers
 *  LinkLayer (sans-IO: ARP, IPv6 neighbour discovery, next hop, Ethernet framing, filtering)
 *       |  optional PathImpairment (delay, jitter, loss per interface and direction)
 *  LiveRunner (the one thread that owns the stack; real clock; pcap recording)
 *       |  FrameDevice
 *  PcapDevice (pcap4j live handle per interface; a receive thread each)
 * </pre>
 *
 * <p>Only {@link org.mptcplab.app.live.LiveRunner} and {@link org.mptcplab.app.live.PcapDevice}
 * read real clocks or touch real interfaces; {@link org.mptcplab.app.live.LinkLayer} and
 * {@link org.mptcplab.app.live.PathImpairment} run on whatever time they are given, so tests drive
 * them in virtual time.
 *
 * <p>Keeping the host kernel out (RECIPES.md): give the stack addresses no kernel interface of the
 * namespace has, a MAC of its own ({@link org.mptcplab.app.live.LinkLayer#derivedMac}), turn the
 * interface's IPv6 off, and turn offloads off on veths ({@code ethtool -K DEV tx off rx off tso off
 * gso off gro off}: partial checksums otherwise). The stack's MSS must fit the interface's MTU
 * (MTU - 40 for IPv4, MTU - 60 for IPv6); a longer datagram is dropped and counted
 * ({@link org.mptcplab.app.live.LinkLayer.Counter#OVER_MTU}).
 */
package org.mptcplab.app.live;
