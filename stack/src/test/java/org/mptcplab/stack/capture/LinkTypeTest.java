package org.mptcplab.stack.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkTypeTest {

    @Test
    void valuesAreTheRegistryNumbers() {
        // tcpdump.org LINKTYPE_ values (draft-ietf-opsawg-pcaplinktype), as stored in files.
        assertThat(new int[] {LinkType.NULL, LinkType.ETHERNET, LinkType.PPP, LinkType.PPP_HDLC, LinkType.RAW,
            LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2})
                .containsExactly(0, 1, 9, 50, 101, 108, 113, 228, 229, 276);
    }

    @Test
    void names() {
        assertThat(LinkType.name(0)).isEqualTo("NULL");
        assertThat(LinkType.name(1)).isEqualTo("ETHERNET");
        assertThat(LinkType.name(9)).isEqualTo("PPP");
        assertThat(LinkType.name(50)).isEqualTo("PPP_HDLC");
        assertThat(LinkType.name(101)).isEqualTo("RAW");
        assertThat(LinkType.name(108)).isEqualTo("LOOP");
        assertThat(LinkType.name(113)).isEqualTo("LINUX_SLL");
        assertThat(LinkType.name(228)).isEqualTo("IPV4");
        assertThat(LinkType.name(229)).isEqualTo("IPV6");
        assertThat(LinkType.name(276)).isEqualTo("LINUX_SLL2");
        assertThat(LinkType.name(147)).isEqualTo("UNKNOWN(147)");
        assertThat(LinkType.name(-1)).isEqualTo("UNKNOWN(-1)");
        assertThat(LinkType.isKnown(113)).isTrue();
        assertThat(LinkType.isKnown(147)).isFalse();
    }
}
