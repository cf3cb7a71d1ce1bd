import { Grid, Paper, Skeleton, Stack } from '@mantine/core';

/** A detail page while it loads: a title, figures and two columns. */
export function PageSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading">
      <Stack gap={8}>
        <Skeleton h={14} w={90} />
        <Skeleton h={30} w="40%" />
        <Skeleton h={14} w="25%" />
      </Stack>
      <Grid gap="md">
        {Array.from({ length: 4 }, (_, i) => (
          <Grid.Col key={i} span={{ base: 6, md: 3 }}>
            <Skeleton h={72} radius="md" />
          </Grid.Col>
        ))}
      </Grid>
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} h={24} />
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}
