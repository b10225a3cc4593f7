jest.setTimeout(1_200_000);
