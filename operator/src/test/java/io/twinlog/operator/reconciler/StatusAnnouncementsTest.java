package io.twinlog.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.twinlog.operator.api.v1alpha1.CdcPipelineStatus;
import io.twinlog.operator.api.v1alpha1.SourceStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Events a status change calls for, told once per transition. */
class StatusAnnouncementsTest {

  private static CdcPipelineStatus sources(String... names) {
    CdcPipelineStatus status = new CdcPipelineStatus();
    status.setSources(Stream.of(names).map(n -> new SourceStatus().withName(n)).toList());
    return status;
  }

  @Test
  void aReplicaMoveIsToldAsOneSourceAddedAndOneRemovedAndANewPipelineIsNot() {
    assertThat(StatusAnnouncements.sourcesChanged(null, sources("replica-a", "replica-b")))
        .isEmpty();
    List<Announcement> added =
        StatusAnnouncements.sourcesChanged(
            sources("replica-a", "replica-b"), sources("replica-a", "replica-b", "replica-c"));
    assertThat(added)
        .extracting(Announcement::reason, Announcement::warning)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("SourceAdded", false));
    assertThat(added.getFirst().message()).startsWith("replica-c joined").contains("3 sources");
    List<Announcement> removed =
        StatusAnnouncements.sourcesChanged(
            sources("replica-a", "replica-b", "replica-c"), sources("replica-b", "replica-c"));
    assertThat(removed)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.reason()).isEqualTo("SourceRemoved");
              assertThat(a.message()).startsWith("replica-a left").contains("other 2 source(s)");
            });
    assertThat(
            StatusAnnouncements.sourcesChanged(
                sources("replica-a", "replica-b"), sources("replica-a", "replica-b")))
        .isEmpty();
  }
}
