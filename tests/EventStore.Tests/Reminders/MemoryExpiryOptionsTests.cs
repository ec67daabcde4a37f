using EventStore.Reminders;
using Orleans.Hosting;

namespace EventStore.Tests.Reminders;

public sealed class MemoryExpiryOptionsTests
{
    [Fact]
    public void The_defaults_fit_orleans_default_reminder_options()
    {
        new MemoryExpiryOptions().Validate(new ReminderOptions());
    }

    [Theory]
    [InlineData(30, 365, "RetryPeriod")]          // under Orleans' 1-minute minimum reminder period
    [InlineData(0, 365, "RetryPeriod")]
    [InlineData(60, 0, "MaxTimeToLive")]
    [InlineData(60, 4000, "MaxTimeToLive")]
    public void A_setting_out_of_range_is_refused_by_name(int retrySeconds, int maxDays, string setting)
    {
        var options = new MemoryExpiryOptions { RetryPeriod = TimeSpan.FromSeconds(retrySeconds), MaxTimeToLive = TimeSpan.FromDays(maxDays) };
        var refused = Assert.Throws<ArgumentException>(() => options.Validate(new ReminderOptions()));
        Assert.Contains($"EventStore:Reminders:{setting}", refused.Message);
    }
}
